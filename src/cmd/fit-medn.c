/* fit-medn - fit medn on a dataset; see fit_cli.c. */
#include "fit_cli.h"

int main(int argc, char **argv)
{
	return fit_cli_main("medn", argc, argv);
}
