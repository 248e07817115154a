# The English pages' dates: "3 December 2026", "3 December 2026 at 14:05".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y \\a\\t H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y \\a\\t H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
