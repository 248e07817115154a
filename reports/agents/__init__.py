"""The agents' space under /agents/: search, one report and its actions,
exports, subscriptions, companies, letters and websites."""
