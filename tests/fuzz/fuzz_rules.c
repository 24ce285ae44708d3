/* fuzz_rules.c - fuzz target: the rule and knowledge loader, validation and compilation. */
#include <stdint.h>
#include <stdio.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	hl_rules rules;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		return 0;
	hl_rules_init(&rules);
	if (hl_rules_add_mem(&rules, "fuzz.yml", (const char *)data, size, sink) == 0)
		hl_rules_compile(&rules, sink);
	hl_rules_release(&rules);
	return 0;
}
