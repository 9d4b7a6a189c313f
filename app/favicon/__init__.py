"""``/favicon.ico``: the site's icon, where browsers ask for it on every page."""
