"""Receiving takes over WebRTC: peer sessions, the spool, and uploads to the object store."""
