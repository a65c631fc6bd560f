"""How a build runs, apart from what it computes: extraction engines and worker processes
(parallel), the output processes beside the build (output_process), the collector pause (gcpause),
memoised derivations shared by writers (memo), OUT's lock and incomplete mark (lock), atomic writes
(atomic), the per-document extraction cache (cache) and progress bars (progress).

The stages (kg.ingest, kg.extract, kg.resolve, kg.document) never import this package; kg.pipeline
composes them with it. Output writers use only `atomic` (every file they write is swapped into place)
and `memo` (the derivations they share); tests/test_code.py checks both rules.
"""
