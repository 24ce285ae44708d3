/* main.c - the hypelint command: everything happens in hl_main(). */
#include <stdio.h>

#include "hypelint.h"

int main(int argc, char **argv)
{
	return hl_main(argc, argv, stdout, stderr);
}
