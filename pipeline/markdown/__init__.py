"""Reading and writing Hugo markdown: encoding repair, front matter, shortcodes, blocks,
inline codes; the extractor (article -> skeleton + text units) and the renderer
(skeleton + units -> article)."""
