from django.core.management import call_command

from vmeste.core import sweep


def test_the_sweep_runs_each_step_until_it_has_no_work(monkeypatch) -> None:
    monkeypatch.setattr(sweep, "_STEPS", {})
    queue = [1, 2, 3]

    @sweep.sweep_step("drain")
    def drain() -> bool:
        if not queue:
            return False
        queue.pop()
        return True

    report = sweep.sweep_run()
    assert report.handled == {"drain": 3}
    assert queue == []


def test_one_failing_step_does_not_stop_the_others(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sweep, "_STEPS", {})
    done = []

    @sweep.sweep_step("broken")
    def broken() -> bool:
        raise ValueError("bad row")

    @sweep.sweep_step("fine")
    def fine() -> bool:
        if done:
            return False
        done.append(1)
        return True

    call_command("sweep")
    assert "fine: 1" in capsys.readouterr().out
    assert done == [1]


def test_the_limit_bounds_one_run(monkeypatch) -> None:
    monkeypatch.setattr(sweep, "_STEPS", {})
    calls = []
    sweep.sweep_step("endless")(lambda: calls.append(1) or True)
    assert sweep.sweep_run(limit_per_step=5).handled == {"endless": 5}
