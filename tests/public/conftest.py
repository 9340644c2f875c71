from tests.appeals.conftest import categories, file_appeal, registered  # noqa: F401  (fixtures)
from tests.ideas.conftest import project  # noqa: F401  (fixtures)
