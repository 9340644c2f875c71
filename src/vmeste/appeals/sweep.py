from vmeste.core.sweep import sweep_step

from .services import appeal_autoclose_step, appeal_mark_overdue_step, appeal_remind_step

sweep_step("appeals.remind")(appeal_remind_step)
sweep_step("appeals.overdue")(appeal_mark_overdue_step)
sweep_step("appeals.autoclose")(appeal_autoclose_step)
