// The engine's Effects, for real: steady timers on the loop, children started with
// os/spawn, files, the config file, the log.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "supervisor/engine/effects.hpp"
#include "supervisor/os/spawn.hpp"
#include "supervisor/os/files.hpp"
#include "supervisor/os/listen_socket.hpp"
#include "supervisor/os/notify_socket.hpp"

namespace angel {

class ReadyWatch;

class AsioEffects final : public Effects {
public:
    /// `reap` reaps every exited child now (the daemon's waitpid loop).
    AsioEffects(boost::asio::io_context& io, std::string config_file, std::function<void()> reap);
    ~AsioEffects() override;  ///< closes the listeners (removing unix sockets still angel's)
    AsioEffects(const AsioEffects&) = delete;
    AsioEffects& operator=(const AsioEffects&) = delete;

    Clock::time_point now() const override;
    std::unique_ptr<Timer> make_timer(std::function<void()> on_fire) override;
    Launched launch(const Launch& launch) override;
    void signal(pid_t pid, int sig) override;
    std::unique_ptr<Watch> probe(const CheckSpec& check, std::function<void(ProbeResult)> done) override;
    std::optional<std::uint64_t> resident_bytes(pid_t pid) override;
    std::variant<int, std::string> listener(const ListenAddress& address, unsigned mode) override;
    void keep_listeners(const std::vector<std::string>& in_use) override;
    void reap_now() override;
    std::optional<std::string> write_pidfile(const std::string& path, pid_t pid) override;
    void remove_file(const std::string& path) override;
    std::variant<ProgramSpecs, std::string> load_config() override;
    void log(Level level, std::string_view context, std::string_view message) override;
    void report_error(std::string_view text) override;
    void finish() override;
    void notify(std::string_view state) override;

    /// Binds the listen addresses of `specs` now (before angel gives up root), so that
    /// a served program can have port 80; a failure is left for the first sync to log.
    void prebind(const ProgramSpecs& specs);

    /// What the first load_config() returns instead of reading the file: the specs (or
    /// the error) of the config start-up read, so that it is read once, not again.
    void preload(std::variant<ProgramSpecs, std::string> loaded);

private:
    /// The child's descriptors and environment for a served launch; the readiness
    /// channel is made here (its angel end goes into `channel`; a notify socket's watch
    /// is also `notify_watch`, told the instance's pid once it is spawned).
    std::optional<std::string> add_serve(const ServeLaunch& serve, std::vector<FdMove>& fds,
                                         std::vector<std::string>& env, std::vector<std::size_t>& own_pid_envs,
                                         Fd& ready_write, std::unique_ptr<Watch>& channel,
                                         ReadyWatch*& notify_watch);

    /// angel's one /dev/null, opened at first use and kept (close-on-exec): a child
    /// without `stdout`, `stderr` or a logger's output gets it, with no open per start.
    std::variant<int, std::string> dev_null();
    /// The descriptor for one output: /dev/null when `path` is absent, else the file
    /// opened for appending into `holder`; or the error text.
    std::variant<int, std::string> output(const std::optional<std::string>& path, Fd& holder);

    boost::asio::io_context& io_;
    std::string config_file_;
    std::optional<std::variant<ProgramSpecs, std::string>> preloaded_;  ///< for the first load only
    std::function<void()> reap_;
    Fd dev_null_;
    std::map<std::string, ListenSocket> listeners_;  ///< by the address as written
    NotifyDirectory notify_directory_;
    ServiceNotifier service_notifier_;  ///< angel's own NOTIFY_SOCKET (systemd Type=notify)
};

}  // namespace angel
