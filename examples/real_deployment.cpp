// A program for a real deployment: give it your Sentinels and a master name;
// it writes a counter through the pool once every 100 ms and prints every
// master switch the Client follows (with the signal that showed it).
//
//   real-deployment --sentinel 10.0.0.1:26379 --sentinel 10.0.0.2:26379
//                   --name mymaster [--sentinel-pass P] [--pass P] [--seconds N]
//
// Kill the master or run SENTINEL FAILOVER meanwhile to watch it follow.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "sentinelpool/sentinelpool.hpp"

int main(int argc, char** argv) {
    sentinelpool::Options opts;
    std::string name = "mymaster";
    int seconds = 60;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--sentinel") {
            auto a = sentinelpool::Address::parse(value, 26379);
            if (!a) {
                std::fprintf(stderr, "not an address: %s\n", value.c_str());
                return 2;
            }
            opts.sentinels.push_back(*a);
        } else if (flag == "--name") {
            name = value;
        } else if (flag == "--sentinel-pass") {
            opts.sentinelAuth.password = value;
        } else if (flag == "--pass") {
            opts.nodeAuth.password = value;
        } else if (flag == "--seconds") {
            seconds = std::atoi(value.c_str());
        } else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    if (opts.sentinels.empty()) {
        std::fprintf(stderr, "usage: %s --sentinel host:port [--sentinel ...] [--name mymaster] "
                             "[--sentinel-pass P] [--pass P] [--seconds N]\n", argv[0]);
        return 2;
    }
    opts.masterNames = {name};
    opts.startup = sentinelpool::StartupMode::FailFast;  // say now if the Sentinels cannot be used
    opts.callbacks.onMasterSwitch = [](const sentinelpool::MasterSwitch& s) {
        std::printf("switch %s: %s -> %s (%s, epoch %llu)\n", s.name.c_str(), s.from.toString().c_str(),
                    s.to.toString().c_str(), sentinelpool::detectorName(s.detector),
                    static_cast<unsigned long long>(s.configEpoch));
    };
    opts.callbacks.onSentinelState = [](const sentinelpool::SentinelState& s) {
        std::printf("sentinel %s %s %s\n", s.sentinel.toString().c_str(), s.up ? "up" : "down", s.reason.c_str());
    };
    try {
        sentinelpool::Client client(opts);
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        while (std::chrono::steady_clock::now() < end) {
            try {
                auto lease = client.master(name);
                auto r = lease->command({"INCR", "sentinelpool:example:counter"});
                std::printf("%s INCR -> %s\n", lease->address().toString().c_str(), r.toString().c_str());
            } catch (const sentinelpool::Error& e) {
                std::printf("error: %s\n", e.what());
            }
            std::fflush(stdout);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    } catch (const sentinelpool::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        for (auto& f : e.sentinelFailures())
            std::fprintf(stderr, "  %s: %s\n", f.sentinel.toString().c_str(), f.reason.c_str());
        return 1;
    }
    return 0;
}
