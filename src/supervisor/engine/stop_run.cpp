// A kill sequence carried out: the stop table's actions, on the owner's children.
#include "supervisor/engine/stop_run.hpp"

#include <signal.h>

#include "supervisor/engine/supervisor.hpp"
#include "supervisor/spec/durations.hpp"

namespace angel {

StopRun::StopRun(Supervisor& owner, std::string id, StopTarget target, std::function<void()> on_done)
    : owner_(owner), id_(std::move(id)), target_(std::move(target)), on_done_(std::move(on_done)) {}

bool StopRun::begin() {
    in_begin_ = true;
    on_event(StopEvent::begin);
    in_begin_ = false;
    return over_;
}

void StopRun::on_event(StopEvent event) {
    const StopFacts facts{id_, target_.has_logger, target_.termgrace, target_.signal};
    const StopTransition t = step(state_, event, facts);
    if (!t.possible) {
        ++owner_.impossible_events_;
        return;
    }
    state_ = t.next;
    for (const StopAction& a : t.actions) {
        switch (a.kind) {
            case StopActionKind::log:
                owner_.fx_.log(Level::v2, msg::ctx_killer, a.line);
                break;
            case StopActionKind::term_program:
                owner_.stop_signal(id_, target_.pid, a.signal, target_.group);
                break;
            case StopActionKind::term_logger:
                owner_.stop_signal(id_, target_.logger_pid, SIGTERM);
                break;
            case StopActionKind::kill_program:
                owner_.stop_signal(id_, target_.pid, SIGKILL, target_.group);
                owner_.stop_hard_killed(id_, target_.pid);
                break;
            case StopActionKind::kill_logger:
                owner_.stop_signal(id_, target_.logger_pid, SIGKILL);
                break;
            case StopActionKind::arm_grace:
                if (!grace_timer_) {
                    grace_timer_ = owner_.fx_.make_timer(
                        [this] { owner_.guarded([this] { on_event(StopEvent::grace_elapsed); }); });
                }
                grace_timer_->arm(capped_seconds(a.seconds));
                break;
            case StopActionKind::done: {
                over_ = true;
                if (in_begin_) return;  // begin() tells its caller
                // Last: the callback may destroy this object, so nothing of it is used after.
                auto done = std::move(on_done_);
                done();
                return;
            }
        }
    }
}

}  // namespace angel
