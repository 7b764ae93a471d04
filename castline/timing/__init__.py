"""The stamp timeline: every transcript line's span (:mod:`.spans`), caption cues cut from the
lines (:mod:`.boundaries` where a line may be cut, :mod:`.segment` how one line is cut,
:mod:`.cues` the cues' labels and times), the caption exporters' shared base
(:mod:`.captions`), and chapters (:mod:`.chapters`)."""
