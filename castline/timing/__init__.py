"""The stamp timeline: every transcript line's span (:mod:`.spans`), caption cues cut from the
lines (:mod:`.boundaries`, :mod:`.segment`, :mod:`.cues`), and chapters (:mod:`.chapters`)."""
