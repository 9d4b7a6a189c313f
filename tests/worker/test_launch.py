"""One worker per GPU: the --gpus list and each worker's CUDA_VISIBLE_DEVICES."""

import pytest

from worker.launch import gpu_worker_env, parse_gpus


def test_gpu_list_is_parsed() -> None:
    assert parse_gpus("0, 1,3") == ["0", "1", "3"]


@pytest.mark.parametrize("text", ["", "a", "0,0", "-1", "0;1"])
def test_bad_gpu_lists_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="distinct GPU indices"):
        parse_gpus(text)


def test_each_worker_sees_only_its_gpu() -> None:
    env = gpu_worker_env("1", {"PATH": "/bin", "CUDA_VISIBLE_DEVICES": "0,1"})
    assert env == {"PATH": "/bin", "CUDA_VISIBLE_DEVICES": "1"}
