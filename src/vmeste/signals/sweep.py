from vmeste.core.sweep import sweep_step

from .delivery import deliver
from .services import signal_overdue_step

sweep_step("signals.overdue")(signal_overdue_step)
sweep_step("signals.deliver")(deliver)
