"""The bench: `./dev.sh bench [--json]` (python -m devstack.bench) on this machine.

Part 1 (assembler.py): the assembly against one plain encode and a straightforward pipeline.
Part 2 (whisper_bench.py): Whisper engines, cold load, real-time factor, WER.
Part 3 (orchestration.py): N jobs through the local stack with instant providers: handoff
latency, orchestration overhead and Firestore operations per job, no job lost.
Part 5 (cost.py): Veo cost and storage per video.
The input is rendered by the offline demo video model's renderer (inputs.py); the openai-whisper
checkpoint is converted from the bundled CTranslate2 model (whisper_convert.py). Results go to
bench/results.json, bench/RESULTS.md and bench/chart.png.
"""
