"""The public statistics: a snapshot computed in the background, the pages
and open data that read it, and the server-drawn charts."""
