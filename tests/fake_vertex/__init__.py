"""A strict local fake of the Vertex AI REST API (Gemini generateContent, Veo operations).

Use `tests.fake_vertex.server.FakeVertex` in-process, or `python -m tests.fake_vertex.server`;
`tests.fake_vertex.timecode.read_timecodes(path)` reads the running time its Veo draws. It
imports nothing from the product (docs/decisions/0007-strict-vertex-fake.md).
"""
