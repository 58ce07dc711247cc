// One served program block (the `count` slots of one block of the config): its
// slots and their generations, its rollout (the block's tally and queue of needs,
// decide/rollout), its back-off after failed new instances, and the listening
// addresses it holds. Every change of a generation goes through the generation table
// (decide/generation_table); every change of a slot is counted again in the tally,
// so an event costs O(log count), not O(count).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "supervisor/decide/generation_table.hpp"
#include "supervisor/decide/rollout.hpp"
#include "supervisor/engine/effects.hpp"
#include "supervisor/engine/served.hpp"

namespace angel {

class Supervisor;
struct ChildRef;

class ServedBlock {
public:
    ServedBlock(Supervisor& owner, std::string name);
    ServedBlock(const ServedBlock&) = delete;
    ServedBlock& operator=(const ServedBlock&) = delete;
    ~ServedBlock();

    const std::string& name() const { return name_; }
    const std::map<std::string, std::unique_ptr<Slot>>& slots() const { return slots_; }
    const BlockTally& tally() const { return tally_; }
    bool rolling() const { return rolling_; }
    /// Nothing left: no slot (the engine then drops the block).
    bool finished() const { return slots_.empty(); }

    // What the engine routes to it.
    Slot& add_slot(const std::string& id);
    void on_load();   ///< a config load: every slot counted again (no effect yet)
    void on_sync();   ///< the end of a sync: a failed listen tried again, stale new ones stopped, starts
    void on_exit(Slot& slot, const ChildRef& child, pid_t pid);
    void on_ready_message(Slot& slot, std::uint64_t number, ReadyMessage message);
    void on_ready_timer(Slot& slot, std::uint64_t number, bool timeout);
    void on_age_timer(Slot& slot, std::uint64_t number);
    void on_restart_timer(Slot& slot);
    void on_grace_over(Slot& slot, std::uint64_t number);
    void on_retry_timer();
    void restart(Slot& slot);     ///< angelctl restart of its serving instance
    void stop_slot(Slot& slot);   ///< angelctl stop: every generation stopped, none started
    void start_slot(Slot& slot);  ///< angelctl start: back to the rollout's count
    /// Its serving generation `number` failed `checkfails` checks in a row (`why`).
    void on_unhealthy(Slot& slot, std::uint64_t number, const std::string& why);
    /// `watchdog`: generation `number` sent no WATCHDOG=1 in time.
    void on_watchdog_timer(Slot& slot, std::uint64_t number);
    void recover();               ///< after a throwing handler: drop the dead, count again
    void listeners_in_use(std::vector<std::string>& out) const;

    const ProgramSpec* desired(const Slot& slot) const;

private:
    struct NeedKey {
        Need need;
        std::uint64_t age;
        Slot* slot;
        bool operator<(const NeedKey& o) const;
    };

    void dispatch(Slot& slot, Generation& gen, GenerationEvent event, std::string_view text = {});
    void internal_error(const Slot& slot, std::string_view table, std::string_view event, std::string_view state);
    void count(Slot& slot);   ///< its tally and queue entry from what it holds now
    void pump();              ///< the rollout: start, stop first, announce, drop slots
    void spawn(Slot& slot, const ProgramSpec& spec);
    void arm_readiness(Slot& slot, Generation& gen, const ReadySpec& ready);
    void serve(Slot& slot, Generation& gen);
    void stop(Slot& slot, Generation& gen);
    void failed(Slot& slot, const ProgramSpec* spec, std::string_view why);
    void recycle(Slot& slot, std::string_view why, Slot::Recycle cause);
    void arm_restart(Slot& slot, const Generation& gen);
    void forget(Slot& slot, std::uint64_t number);
    bool stale(const Generation& gen, const ProgramSpec* want) const;
    bool paused() const;
    void check_memory();  ///< maxrss, at every sync

    Supervisor& sv_;
    std::string name_;
    std::map<std::string, std::unique_ptr<Slot>> slots_;
    BlockTally tally_;
    std::set<NeedKey> needs_;
    std::set<std::string> leaving_;      ///< slots counted as gone: dropped at the end of the pump
    std::int64_t surge_ = 0;             ///< of its desired spec, as of the last load
    std::int64_t failures_ = 0;          ///< consecutive new instances that did not become ready
    std::unique_ptr<Timer> retry_timer_; ///< armed: a failure's back-off runs, nothing starts
    bool blocked_ = false;               ///< a listen address failed: nothing starts before the next sync
    bool rolling_ = false;               ///< a rollout was announced and is not done
    int depth_ = 0;                      ///< dispatches in progress: the rollout waits for the outermost
    bool pumping_ = false;
    bool pump_again_ = false;
};

}  // namespace angel
