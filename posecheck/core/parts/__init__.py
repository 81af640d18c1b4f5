"""The parts of the evaluator, each one concern over time, composed by `posecheck.core.evaluation.Evaluator`:

- `settle`: since when have some measures been still (entering a position, the top of a rep);
- `position`: in the exercise position or not, with entering/leaving hysteresis back-dated to the stillness;
- `checks`: one form check each, with its debounce and clear times;
- `hold`: the good-form timer (pending time, credit, take-back) and when a hold at the top of a rep starts and ends;
- `reps`: rep counting (out and back, or alternating between two extremes), each rep with its verdict;
- `tempo`: how fast the reps move.
"""
