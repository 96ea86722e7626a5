/* loop-wagi (WAGI): a command whose _start never returns; same expectation as loop: 504. */
int main(void)
{
    volatile unsigned long long spins = 0;
    for (;;)
        ++spins;
}
