#pragma once
// Umbrella header of the sentinelpool client library.

#include "sentinelpool/address.hpp"
