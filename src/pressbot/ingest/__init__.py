"""Following the embassy's website: feeds and pages fetched, parsed, made safe and stored."""
