from .cli.main import main

# Guarded: a child process that is spawned (Windows, DVK_PORTABLE=1) imports the parent's main module.
if __name__ == "__main__":
    main()
