from tests.appeals.conftest import categories, file_appeal, registered  # noqa: F401  (fixtures)
from tests.signals.conftest import vk_source  # noqa: F401  (fixtures)
