"""castline's built-in exporters, installed as ``castline.exporters``.

Each module is a leaf: it imports ``castline.*`` and third-party libraries, never another
exporter. See :mod:`castline.exporter` for the interface.
"""
