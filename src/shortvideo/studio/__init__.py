"""The creator's studio: the library, favorites and views, deletion, idempotent creation."""
