// Timer on a steady_timer. The callback lives in shared state that the pending wait
// holds, so a callback may destroy its own timer (an instance that QUITs from its
// delay callback), and an arming that was cancelled or replaced never fires, even
// when its wait had already completed and was queued.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "supervisor/engine/effects.hpp"

namespace angel {

class AsioTimer final : public Timer {
public:
    AsioTimer(boost::asio::io_context& io, std::function<void()> on_fire)
        : timer_(io), state_(std::make_shared<State>(std::move(on_fire))) {}
    ~AsioTimer() override { ++state_->serial; }

    void arm(std::chrono::milliseconds after) override {
        const std::uint64_t serial = ++state_->serial;
        state_->armed = true;
        auto fire = [state = state_, serial](const boost::system::error_code& ec) {
            if (ec || state->serial != serial) return;
            state->armed = false;
            state->on_fire();  // `state` keeps the callback alive, whatever it destroys
        };
        if (after.count() == 0) {
            // Due now (`delay = 0`): queued behind what is ready, without a kernel
            // timer to set and wait for; cancel() and re-arming still win over it.
            timer_.cancel();
            boost::asio::post(timer_.get_executor(), [fire] { fire(boost::system::error_code()); });
            return;
        }
        timer_.expires_after(after);
        timer_.async_wait(std::move(fire));
    }

    void cancel() override {
        ++state_->serial;
        state_->armed = false;
        timer_.cancel();
    }

    bool armed() const override { return state_->armed; }

private:
    struct State {
        explicit State(std::function<void()> f) : on_fire(std::move(f)) {}
        std::function<void()> on_fire;
        std::uint64_t serial = 0;  ///< of the current arming; any other is stale
        bool armed = false;
    };

    boost::asio::steady_timer timer_;
    std::shared_ptr<State> state_;
};

}  // namespace angel
