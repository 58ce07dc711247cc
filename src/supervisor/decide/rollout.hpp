// The rollout decision for one served program block (its `count` slots), from the
// block's running tally: start a new instance, stop an old one first, or wait. Pure,
// and O(1): the block keeps the tally up to date slot by slot, and asks again after
// every event (an exit, a READY, a timer, a load), so a block of thousands costs the
// same per event as a block of two.
//
// Budget: the block's live instances (serving, not ready yet, and being stopped)
// stay within count + surge; a start that would exceed it waits for a death. Slots
// without a serving instance come first (capacity), then slots whose serving
// instance is stale (an old spec, or asked to be recycled), oldest first: the block's
// queue of needs is ordered so. A serving instance is never stopped to make room,
// except with `surge = 0` (explicit: the original's order, TERM first), one at a time
// and only when nothing else is under way.
#pragma once

#include <cstdint>

namespace angel {

/// One slot's share of its block's tally.
struct SlotTally {
    bool desired = false;        ///< its id is in the config, served, in this block
    bool serving = false;        ///< it has a ready instance
    bool stale = false;          ///< ... whose spec is not the desired one, or that must be recycled
    bool candidate = false;      ///< it has a new instance, not ready yet
    bool held = false;           ///< its serving instance died; its restart delay runs
    std::int64_t retiring = 0;   ///< its instances being stopped and not yet reaped

    friend bool operator==(const SlotTally&, const SlotTally&) = default;
};

/// Where a slot stands in its block's queue of needs.
enum class Need : std::uint8_t {
    none,     ///< nothing to start
    empty,    ///< desired, nothing serving, nothing starting, no delay running: capacity
    replace,  ///< desired, serving a stale instance, nothing starting: a rollout's step
};

Need need_of(const SlotTally& slot);

/// The sums of a block's slot tallies.
struct BlockTally {
    std::int64_t desired = 0;     ///< slots in the config
    std::int64_t alive = 0;       ///< live instances: serving + starting + retiring
    std::int64_t in_flight = 0;   ///< what frees or fills room without being asked:
                                  ///< starting, retiring, and serving ones of removed slots
    std::int64_t stale = 0;       ///< desired slots serving a stale instance
    std::int64_t unserved = 0;    ///< desired slots with nothing serving
    std::int64_t starting = 0;    ///< new instances, not ready yet
    std::int64_t retiring = 0;    ///< instances being stopped

    void add(const SlotTally& s, int sign);
    friend bool operator==(const BlockTally&, const BlockTally&) = default;
};

enum class RolloutStep : std::uint8_t {
    wait,        ///< nothing now: the budget is full, a back-off runs, or nothing is needed
    start_next,  ///< start a new instance for the first need in the queue
    stop_first,  ///< surge 0: stop the oldest stale serving instance (the first `replace` need)
};

/// `first_need`: the kind of the queue's first entry; `has_replace`: the queue holds a
/// `replace` need; `paused`: a failure's back-off runs, or a listen address failed.
RolloutStep next_step(const BlockTally& tally, std::int64_t surge, bool paused, Need first_need, bool has_replace);

/// A rollout is over when every desired slot serves its desired spec and no old
/// instance is left alive.
bool rollout_settled(const BlockTally& tally);

}  // namespace angel
