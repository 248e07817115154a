# Dates shown one way everywhere: "3 décembre 2026", and "3 décembre 2026 à 14:05"
# where the time matters. Templates write {{ value|date }} or
# {{ value|date:"DATETIME_FORMAT" }}, never a format of their own.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y à H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y à H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
