"""Training reports on the job row: throttled during an epoch, always at an epoch's end."""

from scoring.training.progress import TrainingProgress
from worker.handlers.train import ProgressForwarder, describe


class Recorder:
    job_id = 1

    def __init__(self) -> None:
        self.progress_calls: list[tuple[float, str]] = []
        self.lines: list[str] = []

    def progress(self, fraction: float, message: str) -> None:
        self.progress_calls.append((fraction, message))

    def log(self, line: str) -> None:
        self.lines.append(line)


def report(phase: str, step: int, val: float | None = None) -> TrainingProgress:
    return TrainingProgress(phase, 0, 2, step, 10, 2.1, 0.3, 150.0, 0.05, val)


def test_train_reports_are_throttled_and_epoch_ends_always_logged() -> None:
    recorder = Recorder()
    pauses: list[str] = []
    forward = ProgressForwarder(recorder, between_epochs=pauses.append)
    for step in range(1, 6):
        forward(report("train", step))
    forward(report("epoch", 10, val=0.4))
    assert len(recorder.progress_calls) == 2
    assert recorder.progress_calls[-1][0] == 0.5
    assert recorder.lines == [describe(report("epoch", 10, val=0.4))]
    assert pauses == ["after epoch 1/2"]  # where a training may give way to uploads


def test_description_names_epoch_step_loss_accuracy_and_throughput() -> None:
    text = describe(report("epoch", 10, val=0.4))
    assert text == ("epoch 1/2 step 10 loss 2.100 accuracy 0.300 150 images/s val accuracy 0.400")
