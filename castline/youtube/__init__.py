"""YouTube: each episode's captions and chapter list kept in sync with its video.

``castline youtube plan`` shows what would change, with no credentials and no network;
``castline youtube push`` changes only that through the YouTube Data API v3
(https://developers.google.com/youtube/v3/docs) and records what it did, so that an interrupted
push resumes where it stopped and a push with nothing changed makes no call.

* :mod:`~castline.youtube.settings`: the ``youtube:`` keys of show.yaml and of an episode's
  front matter (the video, the offset between video and transcript stamps, the caption
  language and track name) and the video id found in ``ids.youtube`` or ``links.youtube``;
* :mod:`~castline.youtube.description`: the chapter block castline keeps in a description;
* :mod:`~castline.youtube.plan`: what each episode would upload (pure but for reading the
  built files in ``out/``);
* :mod:`~castline.youtube.state`: what was uploaded, in ``out/.castline/youtube.json``;
* :mod:`~castline.youtube.api`: the calls, through google-api-python-client;
* :mod:`~castline.youtube.auth`: the OAuth installed-app flow and the cached token;
* :mod:`~castline.youtube.cli`: the ``castline youtube`` commands.

Only :mod:`~castline.youtube.api` and :mod:`~castline.youtube.auth` import Google's libraries
(the ``youtube`` extra), and only when a push runs.
"""
