#include "backend.h"

#include <string.h>

extern const struct backend_ops backend_onednn;

static const struct backend_ops *const backends[] = {
	&backend_onednn,
	NULL,
};

const struct backend_ops *const *backend_list(void)
{
	return backends;
}

const struct backend_ops *backend_find(const char *name)
{
	int i;

	for (i = 0; backends[i]; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}
