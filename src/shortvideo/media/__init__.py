"""Media work: FFmpeg command builders, subtitles, word error rate and the demo renderer."""
