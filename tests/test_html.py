"""The HTML report: its parts, that it is self-contained and stays small, and how it looks in a real browser
(headless Chromium opens it, the test measures its parts and saves a screenshot)."""

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from sample_clips import model_clips
from synth import H, W, bridge_points, plank_points, quadruped_points, ramp, sequence, standing_points

from posecheck.api import score
from posecheck.core.landmarks import SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import load_spec
from posecheck.io.frames import Frame
from posecheck.io.recording import RecordingHeader, RecordingWriter
from posecheck.render.annotators import STATE_COLORS
from posecheck.render.snapshots import SnapshotKeeper
from posecheck.report.build import build_report
from posecheck.report.html import render_html
from posecheck.report.model import load_report

PARTS = ("#summary", "#verdict", "#fix-first", "#timeline", "svg.angle-plot", "#holds-reps", "#faults",
         "figure.snapshot", "#cues")


def plank_session(t):
    """Standing, then a plank: hips sag at 3-4.5 s, hips pike at 6-7 s, hands too far forward from 8 s."""
    if t < 1.0:
        return standing_points()
    sag = 20 * (ramp(t, 3, 3.2) - ramp(t, 4.5, 4.7)) - 22 * (ramp(t, 6, 6.2) - ramp(t, 7, 7.2))
    return plank_points(sag_deg=sag, hands_forward_px=70 * ramp(t, 8, 8.3))


def write_recording(path, poses, fps=30.0):
    with RecordingWriter(path, RecordingHeader(W, H, fps, "synthetic")) as w:
        for p in poses:
            w.write(p)
    return path


@pytest.fixture(scope="module")
def plank_report(tmp_path_factory):
    d = tmp_path_factory.mktemp("html")
    rec = write_recording(d / "plank.jsonl", sequence(30.0, 10, plank_session, noise_px=0.4))
    score(rec, "plank", html=d / "plank.html", json=d / "plank.json")
    return d / "plank.html", d / "plank.json"


def test_report_has_every_part_and_the_summary_figures(plank_report):
    html_path, json_path = plank_report
    page = html_path.read_text()
    report = load_report(json_path)
    for part in ('id="summary"', 'id="verdict"', 'id="fix-first"', 'id="timeline"', 'class="angle-plot"',
                 'id="holds-reps"', 'id="faults"', 'class="snapshot"', 'id="cues"'):
        assert part in page, part
    assert report.summary.verdict in page
    for fix in report.summary.fix_first:
        assert fix in page
    assert f"{report.summary.good_hold_s:.1f} s" in page and "target 20 s" in page
    # A plot for each judged measure, the allowed band shaded, the fault's span marked.
    plotted = set(re.findall(r'<svg class="angle-plot" data-measure="(\w+)"', page))
    assert {"body_sag", "hands_forward", "head_drop"} <= plotted
    assert page.count('class="allowed-band"') >= 3 and 'class="fault-line"' in page
    # One snapshot per fault that happened, each an inline JPEG.
    faults = set(re.findall(r'<figure class="snapshot" data-fault="(\w+)"', page))
    assert faults == set(report.summary.fault_s) == {"hips_sagging", "hips_piking", "hands_not_under_shoulders"}
    assert page.count('src="data:image/jpeg;base64,') == 3
    assert "blank canvas" in page  # a recording has no pictures: the report says so


def test_report_is_self_contained(plank_report):
    page = plank_report[0].read_text()
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)="(?!data:|#)', page)
    assert "http://" not in page and "https://" not in page and "@import" not in page and "url(" not in page


def test_two_minute_report_stays_small():
    """120 s at 30 fps, faults coming and going, and incompressible snapshots (noise): a few MB at most."""
    spec = load_spec("plank")
    info = SourceInfo("long.mp4", "video", W, H, 30.0, 3600)

    def wobbly(t):
        if t < 1.0:
            return standing_points()
        phase = t % 20
        return plank_points(sag_deg=18 * (ramp(phase, 5, 5.5) - ramp(phase, 8, 8.5))
                            - 20 * (ramp(phase, 12, 12.5) - ramp(phase, 14, 14.5)),
                            hands_forward_px=60 * (ramp(phase, 16, 16.3) - ramp(phase, 18, 18.3)))

    session = Session(spec, info)
    keeper = SnapshotKeeper(spec, info)
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (H, W, 3), dtype=np.uint8)
    for i, pose in enumerate(sequence(30.0, 120, wobbly, noise_px=0.6)):
        keeper(Frame(noise, pose.t_s, i), pose, session.step(pose))
    report = build_report(session)
    assert len(report.frames) == 3600
    page = render_html(report, spec, keeper.snapshots())
    size_mb = len(page.encode()) / 1e6
    print(f"2-minute report: {size_mb:.2f} MB")
    assert size_mb < 3.0
    # The plots are decimated: no path has more points than about two per pixel column.
    for d in re.findall(r'class="angle-line" d="([^"]*)"', page):
        assert d.count("L") < 2 * 960


def test_a_report_of_reps_has_the_reps_table_and_rep_timeline(tmp_path):
    def bridge(t):
        k = t % 4.0  # a rep every 4 s: up in 1.2 s, hold 1.3 s, down
        lift = ramp(k, 0.5, 1.7) - ramp(k, 3.0, 3.8)
        return bridge_points(lift if t > 0.5 else 0.0)
    rec = write_recording(tmp_path / "bridge.jsonl", sequence(30.0, 16.5, bridge, noise_px=0.3))
    out = tmp_path / "bridge.html"
    report = score(rec, "bridge", html=out)
    page = out.read_text()
    assert report.summary.reps >= 3
    assert 'id="reps-table"' in page and page.count("<tr>") > report.summary.reps
    assert "rep top" in page and "rep start" in page


def test_cat_cow_plot_draws_the_rep_levels_where_this_person_rests_not_the_spec_s(tmp_path):
    # The spec's cow/cat levels (0 and 32) are for a rest of 16; this person rests with the head at 30, so the
    # reps were counted against 14 and 46: the plot draws those, and the report's reps say so.
    def cat_cow(t):
        return quadruped_points(30.0 if t < 1.5 else 30.0 + 24.0 * math.sin(2 * math.pi * (t - 1.5) / 4.0))
    rec = write_recording(tmp_path / "cc.jsonl", sequence(30.0, 14.0, cat_cow, noise_px=0.3))
    out = tmp_path / "cc.html"
    report = score(rec, "cat_cow", html=out)
    assert report.summary.reps >= 2
    for rep in report.reps:
        assert rep.start_level_deg == pytest.approx(14.0, abs=2.0)
        assert rep.peak_level_deg == pytest.approx(46.0, abs=2.0)
    page = out.read_text()
    shown = {float(v) for v in re.findall(r">(?:cow|cat) (-?[0-9.]+)</text>", page)}
    assert shown and all(abs(v - 14) <= 2 or abs(v - 46) <= 2 for v in shown), shown
    assert ">cow 0</text>" not in page and ">cat 32</text>" not in page


def test_a_short_rep_s_picture_shows_its_fault_not_the_good_form_of_its_top(tmp_path):
    # The top of a shallow bridge that turns straight back down is kept before the rep is known to be short (it
    # is short once it has come down from there): its picture must still say so.
    def bridge(t):
        k = t % 5.0
        return bridge_points(0.45 * (ramp(k, 0.5, 1.7) - ramp(k, 1.7, 2.9)) if t > 0.5 else 0.0)
    rec = write_recording(tmp_path / "low.jsonl", sequence(30.0, 10.5, bridge, noise_px=0.3))
    spec = load_spec("bridge")
    session = Session(spec, SourceInfo(str(rec), "recording", W, H, 30.0, 315))
    keeper = SnapshotKeeper(spec, session.info)
    for pose in sequence(30.0, 10.5, bridge, noise_px=0.3):
        keeper(None, pose, session.step(pose))
    assert "hips_too_low" in build_report(session).summary.rep_faults
    (snap,) = [s for s in keeper.snapshots() if s.fault == "hips_too_low"]
    import cv2
    image = cv2.imdecode(np.frombuffer(snap.jpeg, np.uint8), cv2.IMREAD_COLOR)
    bar = image[2:int(image.shape[0] / 8) - 6, :].reshape(-1, 3).astype(int)
    fault_bgr = np.array(STATE_COLORS["fault"])
    assert (np.abs(bar - fault_bgr).sum(axis=1) < 60).mean() > 0.5  # the state bar is fault red


def still_report(sag_deg: float, path: str = "photo.jpg"):
    spec = load_spec("plank")
    info = SourceInfo(path, "image", W, H, 1.0, 1)
    session = Session(spec, info)  # an image: the evaluator judges the one frame as it is
    (pose,) = sequence(1.0, 1.0, lambda t: plank_points(sag_deg=sag_deg))
    session.step(pose)
    return build_report(session), spec


def test_a_photo_report_has_no_durations_and_names_the_photo_s_fault():
    report, spec = still_report(20.0)
    assert report.frames[0].faults == ["hips_sagging"]
    page = render_html(report, spec)
    assert "one photo" in page and "Good-form hold" not in page and "Time in a fault" not in page
    assert "Faults in the photo" in page and 'data-fault="hips_sagging"' in page and "No form faults" not in page
    assert "out of range" in page and 'id="timeline"' not in page


def test_every_text_from_the_input_is_escaped():
    """Autoescape: a file name (or any text that comes from the input) is shown, never run as markup."""
    report, spec = still_report(0.0, path='<img src=x onerror="alert(1)">&.jpg')
    page = render_html(report, spec)
    assert "<img src=x" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;.jpg" in page


def test_the_report_s_warnings_are_on_the_page():
    """What the CLI prints about the input (a damaged stretch, a guess) is on the page too, escaped."""
    report, spec = still_report(0.0)
    report.warnings = ["frames 120-131 could not be decoded & were skipped"]
    page = render_html(report, spec)
    assert '<div class="warn">frames 120-131 could not be decoded &amp; were skipped</div>' in page


# --- a real browser ------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars"]

# Opens the report in a frame, measures each part's box, and lists what the page tried to load.
PROBE = """<!DOCTYPE html><html><body><iframe id="f" src="%s" style="width:1200px;height:3000px"></iframe>
<pre id="out">not loaded</pre><script>
document.getElementById("f").addEventListener("load", () => {
  const d = document.getElementById("f").contentDocument;
  const parts = {};
  for (const sel of %s) {
    parts[sel] = Array.from(d.querySelectorAll(sel)).map(e => {
      const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; });
  }
  const images = Array.from(d.images).map(i => [i.complete, i.naturalWidth]);
  const loaded = d.defaultView.performance.getEntriesByType("resource").map(e => e.name);
  document.getElementById("out").textContent = JSON.stringify({parts, images, loaded, title: d.title});
});
</script></body></html>"""


def chromium(*args, timeout=90):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *CHROME_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


def open_in_browser(html_path: Path, shot: Path) -> dict:
    probe = html_path.parent / "probe.html"
    probe.write_text(PROBE % (html_path.name, json.dumps(list(PARTS))))
    proc = chromium("--allow-file-access-from-files", "--virtual-time-budget=5000", "--dump-dom",
                    probe.as_uri())
    m = re.search(r'<pre id="out">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stderr[-2000:]
    result = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    chromium("--window-size=1200,3400", f"--screenshot={shot}", html_path.as_uri())
    artifacts = os.environ.get("POSECHECK_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / shot.name)
    return result


def assert_looks_right(result: dict, shot: Path) -> None:
    import cv2

    for sel in PARTS:
        boxes = result["parts"][sel]
        assert boxes, f"{sel} not found"
        assert all(w > 200 and h > 20 for w, h in boxes), (sel, boxes)
    assert result["images"] and all(ok and w > 0 for ok, w in result["images"])  # every snapshot decoded
    assert result["loaded"] == []  # nothing fetched: no network, no other file
    img = cv2.imread(str(shot))
    assert img is not None and img.shape[1] == 1200
    # Rendered, not blank: the page's colours are there (the red of a fault, the green of good form).
    b, g, r = img[..., 0].astype(int), img[..., 1].astype(int), img[..., 2].astype(int)
    assert ((r > 200) & (g < 60) & (b < 100)).sum() > 500
    assert ((g > 150) & (r < 100) & (b < 100)).sum() > 500


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package chromium; .ci/run installs it)")
def test_report_opens_in_a_real_browser_with_every_part_visible(plank_report, tmp_path):
    shot = tmp_path / "report_synthetic.png"
    result = open_in_browser(plank_report[0], shot)
    assert result["title"].startswith("Plank")
    assert_looks_right(result, shot)


@pytest.mark.model
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package chromium; .ci/run installs it)")
def test_report_of_a_sample_clip_in_a_real_browser(sample_videos, tmp_path):
    # A clip is complete once its truth file is written (the renderer writes it last).
    clips = model_clips(sample_videos)
    clips = [c for c in clips if json.loads(c.with_suffix(".truth.json").read_text()).get("faults")]
    if not clips:
        pytest.skip("no rendered sample clip with a fault in sample_videos/ yet")
    clip = clips[0]
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    out, video = tmp_path / f"{clip.stem}.html", tmp_path / f"{clip.stem}_annotated.mp4"
    report = score(clip, truth["exercise"], html=out, annotated_video=video)  # one model run for both
    result = open_in_browser(out, tmp_path / f"report_{clip.stem}.png")
    assert_looks_right(result, tmp_path / f"report_{clip.stem}.png")
    assert "blank canvas" not in out.read_text()  # the snapshots are frames of the video
    # The annotated video: every frame of the input, with the judging drawn over the picture.
    import cv2
    drawn, original = cv2.VideoCapture(str(video)), cv2.VideoCapture(str(clip))
    assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == len(report.frames)
    fault_frame = next(i for i, f in enumerate(report.frames) if f.state == "fault")
    for cap in (drawn, original):
        cap.set(cv2.CAP_PROP_POS_FRAMES, fault_frame)
    (_, a), (_, b) = drawn.read(), original.read()
    assert a.shape == b.shape
    top = a[:10, :, :].reshape(-1, 3).mean(axis=0)  # the state bar: fault red (BGR)
    assert top[2] > 150 and top[1] < 110
    assert (np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 60).mean() > 0.03


def test_a_limit_far_off_the_plot_is_named_at_the_edge_not_drawn_there(tmp_path):
    """A real head held high reads -30..-38 deg against a head_dropping limit of +32: a line at the plot's top edge
    labelled 32 would read as the limit being there. The plot says where the limit is instead."""
    def head_up(t):
        return plank_points(head_drop_deg=-30.0)
    rec = write_recording(tmp_path / "p.jsonl", sequence(30.0, 5, head_up, noise_px=0.3))
    score(rec, "plank", html=tmp_path / "p.html")
    page = (tmp_path / "p.html").read_text()
    head = re.search(r'<svg class="angle-plot" data-measure="head_drop".*?</svg>', page, re.S).group(0)
    assert "limit 32 above the plot" in head
    assert ">32</text>" not in head


def test_the_bridge_plot_draws_a_lift_going_up(tmp_path):
    """The bridge's rep measure (hip_sag) falls as the hips rise: its axis is reversed, so the rep top's line is
    drawn above the rep start's, as the hips are."""
    def lift(t):
        return bridge_points(ramp(t, 1, 2) - ramp(t, 4, 5))
    rec = write_recording(tmp_path / "b.jsonl", sequence(30.0, 6, lift, noise_px=0.3))
    score(rec, "bridge", html=tmp_path / "b.html")
    page = (tmp_path / "b.html").read_text()
    plot = re.search(r'<svg class="angle-plot" data-measure="hip_sag".*?</svg>', page, re.S).group(0)
    y_of = {m.group(2): float(m.group(1)) for m in re.finditer(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>(rep \w+) ', plot)}
    assert y_of["rep top"] < y_of["rep start"]  # SVG y grows downward
    assert "axis reversed: up is toward the top of a rep" in page
