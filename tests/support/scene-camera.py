#!/usr/bin/python3
"""A scene camera for the detection bench and the decoder test: gst-rtsp-server (python3-gi), two mounts, 640x360, 15 fps, H.264.

  /scene  a still grey room; a person (the photo named in the config) appears and leaves on command
  /busy   a ball that never stops moving (every analysed frame has motion: the detector's worst case)

Reads one JSON line on stdin ({"photo": path, "port": n}), prints `PORT <n>` once it listens, then reads
commands, one per line: `show` / `hide` set the person's overlay alpha on every running /scene pipeline and
answer `AT <epoch ms>` (when the change was applied: the next frame out carries it). Exits when stdin closes.
"""
import json
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

CAPS = "video/x-raw,width=640,height=360,framerate=15/1"
ENCODE = (
    " ! videoconvert ! video/x-raw,format=I420 ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15"
    " ! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=-1"
)


def main() -> None:
    config = json.loads(sys.stdin.readline() or "{}")
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(int(config.get("port", 0))))
    overlays = []

    scene = GstRtspServer.RTSPMediaFactory()
    scene.set_launch(
        "( videotestsrc is-live=true pattern=solid-color foreground-color=0xff808080 ! " + CAPS
        + " ! videoconvert ! gdkpixbufoverlay name=person alpha=0 offset-x=240 offset-y=60"
        + " overlay-width=240 overlay-height=240 location=" + config["photo"] + ENCODE + " )"
    )
    scene.set_shared(True)
    scene.connect("media-configure", lambda _f, media: overlays.append(media.get_element().get_by_name("person")))

    busy = GstRtspServer.RTSPMediaFactory()
    busy.set_launch("( videotestsrc is-live=true pattern=ball background-color=0xff808080 ! " + CAPS + ENCODE + " )")
    busy.set_shared(True)

    mounts = server.get_mount_points()
    mounts.add_factory("/scene", scene)
    mounts.add_factory("/busy", busy)
    loop = GLib.MainLoop()
    server.attach(None)
    print("PORT", server.get_bound_port(), flush=True)

    def apply(alpha: float) -> bool:
        for overlay in overlays:
            overlay.set_property("alpha", alpha)
        print("AT", int(time.time() * 1000), flush=True)
        return False

    def commands() -> None:
        for line in sys.stdin:
            word = line.strip()
            if word in ("show", "hide"):
                GLib.idle_add(apply, 1.0 if word == "show" else 0.0)
        GLib.idle_add(loop.quit)

    threading.Thread(target=commands, daemon=True).start()
    loop.run()


if __name__ == "__main__":
    main()
