"""Viva's media library: recording takes, probing and deriving media, and the object store.

A plain library: no web framework, no database. It takes paths and bytes and
returns frozen dataclasses.
"""
