#!/usr/bin/python3
"""A real RTSP camera for the media tests: gst-rtsp-server through GObject introspection.

Run with Debian's /usr/bin/python3 (python3-gi + gir1.2-gst-rtsp-server-1.0). Reads one JSON line on stdin:
  {"user": "...", "password": "...", "port": n}  (all optional: user/password make every path require
  basic auth; port fixes the port)
Binds 127.0.0.1 on a port the kernel picks and prints `PORT <n>` on stdout once it listens.
Mount points (synthetic video, 320x240 at 15 fps, one keyframe a second):
  /h264  H.264 constrained baseline
  /h265  H.265 (x265enc)
  /mjpeg Motion JPEG
Exits when stdin closes (the test process died or stopped it), so it can never outlive its test.
"""
import json
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

SOURCE = (
    "videotestsrc is-live=true pattern=ball ! "
    "video/x-raw,width=320,height=240,framerate=15/1 ! videoconvert ! video/x-raw,format=I420"
)
MOUNTS = {
    "/h264": SOURCE
    + " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15"
    + " ! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=-1",
    "/h265": SOURCE
    + " ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=15"
    + " ! rtph265pay name=pay0 pt=96 config-interval=-1",
    "/mjpeg": SOURCE + " ! jpegenc quality=70 ! rtpjpegpay name=pay0 pt=26",
}


def main() -> None:
    config = json.loads(sys.stdin.readline() or "{}")
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(int(config.get("port", 0))))  # a fixed port lets a test restart the camera
    role = "camera-user"

    if config.get("user"):
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", role)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(config["user"], config["password"]), token)
        server.set_auth(auth)

    mounts = server.get_mount_points()
    for path, launch in MOUNTS.items():
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch("( " + launch + " )")
        factory.set_shared(True)
        if config.get("user"):
            perms = Gst.Structure.new_from_string(
                role + ", media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
            )
            factory.add_role_from_structure(perms)
        mounts.add_factory(path, factory)

    loop = GLib.MainLoop()
    server.attach(None)
    print("PORT", server.get_bound_port(), flush=True)

    def watch_stdin() -> None:
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.run()


if __name__ == "__main__":
    main()
