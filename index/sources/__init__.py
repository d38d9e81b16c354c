"""Source kinds (file, folder, feed, sitemap, page) behind one interface; see `registry`."""
