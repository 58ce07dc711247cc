// The sync step (spec 7.1) and the kill sequences (spec 7.7).
#include <signal.h>

#include "supervisor/loop/daemon.hpp"
#include "supervisor/spec/durations.hpp"
#include "supervisor/os/files.hpp"
#include "supervisor/text/log.hpp"
#include "supervisor/text/messages.hpp"
#include "supervisor/decide/reconcile.hpp"

namespace angel {

void Daemon::sync(std::function<void()> done) {
    reap_children();  // decide on what is alive now, not on a SIGCHLD still in the queue
    RunningSet view;
    for (const auto& [id, program] : running_) {
        // Only a program with a live child can be killed; WAITING and failing entries are
        // left alone, and their presence keeps the sync from starting them twice.
        bool live = program->state == Program::State::running;
        view.emplace_hint(view.end(), id, RunningEntry{&program->spec, live});
    }
    SyncPlan plan = reconcile(desired_, view);
    if (plan.kills.empty() && plan.starts.empty()) return done();
    log(Level::v2, msg::ctx_monitor,
        std::string(msg::must_kill) + std::to_string(plan.kills.size()) + std::string(msg::must_start) +
            std::to_string(plan.starts.size()));

    // Capture the targets now: the started-with specs may change while we wait.
    auto targets = std::make_shared<std::vector<KillTarget>>();
    for (const auto& id : plan.kills) {
        const Program& p = *running_.at(id);
        targets->push_back(KillTarget{id, p.pid, p.logger_pid, p.spec.logger.has_value(), p.spec.termgrace,
                                      p.spec.pidfile});
    }
    run_kills(targets, 0, [this, targets, starts = std::move(plan.starts), done = std::move(done)] {
        // Pidfiles of killed programs go as soon as the kills are done, even if a
        // process survives its TERM (as the original).
        for (const auto& target : *targets) {
            if (target.pidfile) remove_file(*target.pidfile);
        }
        for (const auto& id : starts) start_program(id);
        done();
    });
}

void Daemon::run_kills(std::shared_ptr<std::vector<KillTarget>> targets, std::size_t next,
                       std::function<void()> done) {
    // One after another, in id order: a termgrace wait delays the rest (defect D10, kept).
    // Soft kills complete at once, so they run in this loop (no recursion, however many).
    while (next < targets->size()) {
        const KillTarget& target = (*targets)[next++];
        if (!target.termgrace) {
            soft_kill(target);
            continue;
        }
        return kill_sequence(target, [this, targets, next, done = std::move(done)]() mutable {
            run_kills(targets, next, std::move(done));
        });
    }
    done();
}

void Daemon::soft_kill(const KillTarget& target) {
    log(Level::v2, msg::ctx_killer, std::string(msg::soft_killing) + target.id);
    send_signal(target.pid, target.id, SIGTERM);
    if (target.has_logger) {
        log(Level::v2, msg::ctx_killer, std::string(msg::soft_killing) + target.id);
        send_signal(target.logger_pid, target.id, SIGTERM);
    }
}

void Daemon::kill_sequence(const KillTarget& target, std::function<void()> done) {
    if (!target.termgrace) {
        soft_kill(target);
        return done();
    }
    std::int64_t grace = *target.termgrace;
    grace_kill(target.id, target.pid, grace,
               [this, id = target.id, logger = target.has_logger, logger_pid = target.logger_pid, grace,
                done = std::move(done)]() mutable {
                   if (!logger) return done();
                   grace_kill(id, logger_pid, grace, std::move(done));
               });
}

void Daemon::grace_kill(const std::string& id, pid_t pid, std::int64_t grace, std::function<void()> done) {
    log(Level::v2, msg::ctx_killer, std::string(msg::attempting_soft_kill) + id + std::string(msg::before_hard_killing));
    send_signal(pid, id, SIGTERM);
    log(Level::v2, msg::ctx_killer,
        std::string(msg::waiting_prefix) + std::to_string(grace) + std::string(msg::seconds_for) + id +
            std::string(msg::to_die));
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, capped_seconds(grace));
    timer->async_wait([this, timer, id, pid, done = std::move(done)](const boost::system::error_code& ec) {
        if (ec) return;
        // Logged every time, even when the child already died (defect D9: the line is
        // kept, but only a live, unreaped child gets the SIGKILL).
        log(Level::v2, msg::ctx_killer, std::string(msg::hard_killing) + id);
        send_signal(pid, id, SIGKILL);
        if (auto entry = running_.find(id); entry != running_.end() && entry->second->pid == pid &&
                                            entry->second->state == Program::State::running) {
            entry->second->state = Program::State::killed;
        }
        done();
    });
}

void Daemon::send_signal(pid_t pid, const std::string& id, int sig) {
    // Only an unreaped child of this program (or its logger): once reaped, the pid may
    // already belong to another child of ours.
    auto child = children_.find(pid);
    if (pid > 0 && child != children_.end() && child->second.id == id) ::kill(pid, sig);
}

}  // namespace angel
