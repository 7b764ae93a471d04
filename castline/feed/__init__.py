"""What a podcast feed needs besides the exporter: the directories' rules (:mod:`.rules`), show
notes (:mod:`.notes`), artwork (:mod:`.artwork`) and media files (:mod:`.media`) as they really
are, the directory profiles (:mod:`.directories`) and the feedgen namespace extensions
(:mod:`.ext`)."""
