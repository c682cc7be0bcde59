"""The reviews domain: the queue, the review page, decisions and agreement."""
