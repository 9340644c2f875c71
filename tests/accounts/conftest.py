from tests.appeals.conftest import categories, file_appeal, registered  # noqa: F401  (fixtures)
