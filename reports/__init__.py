"""Reports: the category tree, the consumer's wizard, reports and their
lifecycle, attachments, events, companies' answers, reviews, statistics."""
