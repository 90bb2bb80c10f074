"""Domain operations that the pages (``web``) and the JSON API (``api``) share, so both call the same
functions: inquiries (validate, create, mask, public fields), comparison assembly, park search and summaries.
Services import no Flask: they take a store and plain values and return plain data or raise their own errors."""
