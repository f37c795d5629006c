"""A local fake of the Vertex AI REST API (Gemini generateContent, Veo long-running operations).

Use `tests.fake_vertex.server.FakeVertex` in-process, or `python -m tests.fake_vertex.server`.
"""
