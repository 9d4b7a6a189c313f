"""Submissions: uploading a model (web form, REST, CLI), streamed to disk and checked."""
