from vmeste import cli


def test_dashed_names_run_management_commands(monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(cli, "_django", lambda args: seen.append(args))
    cli.main(["seed-demo", "--if-empty"])
    cli.main(["migrate"])
    assert seen == [["seed_demo", "--if-empty"], ["migrate"]]


def test_serve_runs_gunicorn_with_one_worker_per_core(monkeypatch) -> None:
    monkeypatch.setenv("VMESTE_PORT", "8123")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(cli.os, "cpu_count", lambda: 2)
    command = cli.serve_command([])
    assert command[1:4] == ["-m", "gunicorn", "vmeste.config.wsgi:application"]
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"
    assert command[command.index("--workers") + 1] == "2"
