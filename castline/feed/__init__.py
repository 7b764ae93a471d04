"""What a podcast feed needs besides the exporter: the directories' rules (:mod:`.rules`), show
notes (:mod:`.notes`), artwork pixels (:mod:`.imagesize`) and the feedgen namespace extensions
(:mod:`.ext`)."""
