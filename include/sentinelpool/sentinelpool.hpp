#pragma once
// Umbrella header of the sentinelpool client library.

#include "sentinelpool/export.hpp"

#include "sentinelpool/address.hpp"
#include "sentinelpool/client.hpp"
#include "sentinelpool/connection.hpp"
#include "sentinelpool/error.hpp"
#include "sentinelpool/events.hpp"
#include "sentinelpool/options.hpp"
#include "sentinelpool/reply.hpp"
#include "sentinelpool/sentinel.hpp"
#include "sentinelpool/version.hpp"
