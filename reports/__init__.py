"""Reports: the domain core (categories, reports and their lifecycle, answers,
reviews, the audit of each report) at the root, then one package per
audience or concern: wizard (consumers), pro (companies), agents, files,
statistics. See docs/architecture.md."""
